import { fileURLToPath } from 'node:url'

/** Folders of the test extensions. */
export const fixtures = {
  healthy: fileURLToPath(new URL('../../fixtures/extensions/healthy', import.meta.url)),
  faulty: fileURLToPath(new URL('../../fixtures/extensions/faulty', import.meta.url)),
  escape: fileURLToPath(new URL('../../fixtures/extensions/escape', import.meta.url)),
  permissions: fileURLToPath(new URL('../../fixtures/extensions/permissions', import.meta.url)),
  bundled: fileURLToPath(new URL('../../../resources/extensions', import.meta.url)),
  repoRoot: fileURLToPath(new URL('../../..', import.meta.url)),
}
