/** The engine module's public face: the port, the local engine behind it, and the vocabulary-only token counter. */
export type { Engine, EngineLoadOptions, MeasuredMemory } from './Engine'
export { LocalEngine, type LocalEngineOptions } from './LocalEngine'
export { createTokenCounter, type TokenCounter } from './createTokenCounter'
/** Downloads go through node-llama-cpp's own downloader (resume, split files), so it lives behind this door too. */
export { downloadModelFile, type DownloadProgress } from './remoteModel'
export { RemoteEngine, type RemoteEngineOptions } from './remote/RemoteEngine'
export { EngineSwitch, type RemoteConnection } from './EngineSwitch'
export { normalizeBaseUrl } from './remote/RemoteServer'
