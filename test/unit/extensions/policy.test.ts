import { describe, expect, it } from 'vitest'
import {
  allowShown,
  consentKey,
  decideStart,
  isTrusted,
  needsConsent,
  permissionConsent,
  settingsToKeep,
} from '../../../src/main/core/extensions/ExtensionPolicy'
import type { ExtensionManifest } from '../../../src/shared/extensions/ExtensionManifest'

const manifest = (permissions: string[], settings: ExtensionManifest['settings'] = {}): Pick<ExtensionManifest, 'permissions' | 'settings'> => ({ permissions, settings })

/** The extension rules as plain data in, a decision out: no files, no processes. */
describe('extension policy', () => {
  it('asks for consent to a user extension’s permissions, never for a bundled one or one that declares none', () => {
    expect(permissionConsent({ source: 'bundled', manifest: manifest(['net']) }, null)).toBeNull()
    expect(permissionConsent({ source: 'user', manifest: manifest([]) }, null)).toBeNull()
    const never = permissionConsent({ source: 'user', manifest: manifest(['net', 'exec']) }, null)
    expect(never).toEqual({ requested: ['net', 'exec'], accepted: null, added: ['net', 'exec'], removed: [] })
    expect(needsConsent(never)).toBe(true)
    const grown = permissionConsent({ source: 'installed', manifest: manifest(['net', 'exec']) }, ['net'])
    expect(grown).toMatchObject({ added: ['exec'], removed: [] })
    expect(needsConsent(grown)).toBe(true)
    const shrunk = permissionConsent({ source: 'user', manifest: manifest(['net']) }, ['net', 'exec'])
    expect(shrunk).toMatchObject({ added: [], removed: ['exec'] })
    expect(needsConsent(shrunk)).toBe(false)
  })

  it('decides whether to start: errors, the user’s off switch, trust and consent, in that order', () => {
    const allowed = permissionConsent({ source: 'user', manifest: manifest(['net']) }, ['net'])
    const pending = permissionConsent({ source: 'user', manifest: manifest(['net']) }, null)
    expect(decideStart({ failed: true, disabled: false, trusted: true, consent: null })).toEqual({ start: false, why: 'error' })
    expect(decideStart({ failed: false, disabled: true, trusted: false, consent: pending })).toEqual({ start: false, why: 'disabled' })
    expect(decideStart({ failed: false, disabled: false, trusted: false, consent: allowed })).toEqual({ start: false, why: 'untrusted' })
    expect(decideStart({ failed: false, disabled: false, trusted: true, consent: pending })).toEqual({ start: false, why: 'needs-consent' })
    expect(decideStart({ failed: false, disabled: false, trusted: true, consent: allowed })).toEqual({ start: true, narrowedTo: null })
    // Asking for less than was allowed starts at once, and the narrower list is what gets recorded.
    const shrunk = permissionConsent({ source: 'user', manifest: manifest(['net']) }, ['net', 'exec'])
    expect(decideStart({ failed: false, disabled: false, trusted: true, consent: shrunk })).toEqual({ start: true, narrowedTo: ['net'] })
  })

  it('allows exactly what was shown, and refuses when the extension asks for something else by now', () => {
    const consent = permissionConsent({ source: 'user', manifest: manifest(['net', 'exec']) }, null)
    expect(allowShown('x', consent, ['exec', 'net'])).toEqual({ ok: true, value: ['net', 'exec'] })
    expect(allowShown('x', consent, ['net'])).toMatchObject({ ok: false, error: { code: 'EXTENSION_PERMISSIONS_CHANGED' } })
    expect(allowShown('x', null, [])).toEqual({ ok: true, value: null })
  })

  it('trusts only working folders the user trusted, and keeps their consent per folder', () => {
    expect(isTrusted('user', false)).toBe(true)
    expect(isTrusted('workspace', false)).toBe(false)
    expect(isTrusted('workspace', true)).toBe(true)
    expect(consentKey({ name: 'tool', source: 'user', location: '/u/tool' })).toBe('tool')
    expect(consentKey({ name: 'tool', source: 'workspace', location: '/p/.arbor/extensions/tool' })).toBe('tool@/p/.arbor/extensions/tool')
  })

  it('keeps only declared settings, leaving empty ones to the defaults', () => {
    expect(settingsToKeep('x', ['root', 'depth'], { root: '/p', depth: '  ' })).toEqual({ ok: true, value: { root: '/p' } })
    expect(settingsToKeep('x', ['root'], { workspace: '/' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: 'x has no setting "workspace".' } })
  })
})
