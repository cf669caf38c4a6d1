import type { ExtensionCallContext } from './ExtensionCallContext'

/** A context with no session and no model, whose callbacks go nowhere (CLI, tests, events outside a session). */
export const emptyCallContext = (overrides: Partial<ExtensionCallContext> = {}): ExtensionCallContext => ({
  path: [],
  systemPrompt: '',
  model: null,
  tree: () => [],
  notify: () => undefined,
  appendEntry: () => undefined,
  ...overrides,
})
