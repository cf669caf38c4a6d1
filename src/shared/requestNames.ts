/**
 * Every request the core answers. A plain list (no schema library) so that the sandboxed
 * preload can check names without bundling the validators; `contract.ts` must cover each.
 */
export const requestNames = [
  'app.snapshot',
  'hardware.get',
  'models.list',
  'models.createDemo',
  'model.inspect',
  'model.estimate',
  'model.load',
  'model.cancelLoad',
  'model.unload',
  'chat.send',
  'chat.command',
  'chat.regenerate',
  'chat.stop',
  'chat.setSystemPrompt',
  'session.list',
  'session.new',
  'session.open',
  'session.rename',
  'session.delete',
  'tree.select',
  'tree.label',
  'tree.favourite',
  'tree.collapse',
  'tree.prune',
  'tree.undo',
  'tree.fork',
  'tree.summarizeBranch',
  'extensions.list',
  'extensions.setEnabled',
  'extensions.reload',
  'extensions.install',
  'extensions.uninstall',
  'extensions.allow',
  'extensions.trustWorkspace',
  'extensions.setSettings',
] as const

export type RequestName = (typeof requestNames)[number]

export const isRequestName = (name: unknown): name is RequestName =>
  typeof name === 'string' && (requestNames as readonly string[]).includes(name)
