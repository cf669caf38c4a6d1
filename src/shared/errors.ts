/**
 * Stable error codes. The UI and the tests branch on these; messages are for people.
 * Add codes, never rename them.
 */
export const errorCodes = [
  'GGUF_BAD_MAGIC',
  'GGUF_TRUNCATED',
  'GGUF_TRUNCATED_DATA',
  'GGUF_CORRUPT',
  'GGUF_UNSUPPORTED_ARCH',
  'GGUF_TOO_SLOW',
  'FILE_NOT_FOUND',
  'FILE_IS_DIRECTORY',
  'FILE_UNREADABLE',
  'MODEL_TOO_LARGE',
  'MODEL_REF_UNSUPPORTED',
  'LOAD_IN_PROGRESS',
  'LOAD_CANCELLED',
  'LOAD_FAILED',
  'NO_MODEL_LOADED',
  'ENGINE_BUSY',
  'GENERATION_IN_PROGRESS',
  'GENERATION_FAILED',
  'BAD_REQUEST',
  'UNKNOWN_REQUEST',
  'UNAUTHORIZED',
  'UPLOAD_FAILED',
  'DISCONNECTED',
  'SESSION_INVALID',
  'SESSION_LINE_CORRUPT',
  'SESSION_NOT_FOUND',
  'SESSION_WRITE_FAILED',
  'SESSION_LOCKED',
  'FILE_EXISTS',
  'FILE_TOO_LARGE',
  'DISK_FULL',
  'EXTENSION_FAILED',
  'EXTENSION_TIMEOUT',
  'EXTENSION_INVALID',
  'EXTENSION_PERMISSION',
  'EXTENSION_NOT_FOUND',
  'EXTENSION_PERMISSIONS_CHANGED',
  'COMMAND_NOT_FOUND',
  'NODE_NOT_FOUND',
  'NOTHING_TO_UNDO',
  'CONTEXT_OVERFLOW',
  'SESSION_CHANGED_ON_DISK',
  'PORT_IN_USE',
  'MODEL_NOT_FOUND',
  'MODEL_GATED',
  'HUB_UNREACHABLE',
  'HUB_RATE_LIMITED',
  'DOWNLOAD_FAILED',
  'DOWNLOAD_CORRUPT',
  'MODEL_IN_USE',
  'ENGINE_UNREACHABLE',
  'ENGINE_UNAUTHORIZED',
  'INTERNAL',
] as const

export type ErrorCode = (typeof errorCodes)[number]

export const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && (errorCodes as readonly string[]).includes(value)

/** The numbers behind an error, per code; codes not listed carry none. */
export type ErrorDetails = {
  MODEL_TOO_LARGE: { ramNeededBytes: number; ramAvailableBytes: number; vramNeededBytes: number; vramAvailableBytes: number }
  GGUF_TRUNCATED_DATA: { requiredBytes: number; fileBytes: number }
  GGUF_UNSUPPORTED_ARCH: { architecture: string }
  /** How many generations run and wait, and how many may wait. */
  ENGINE_BUSY: { running: number; queued: number; queueLimit: number }
  EXTENSION_TIMEOUT: { timeoutMs: number }
  /** A result over its size limit, or a host that ran out of its heap. */
  EXTENSION_FAILED: { limitBytes?: number; memoryMb?: number }
  /** The file in question. */
  FILE_NOT_FOUND: { path: string }
  FILE_IS_DIRECTORY: { path: string }
  FILE_UNREADABLE: { path: string }
  FILE_EXISTS: { path: string }
  SESSION_NOT_FOUND: { path: string }
  SESSION_WRITE_FAILED: { path: string }
  SESSION_LOCKED: { path: string }
  SESSION_CHANGED_ON_DISK: { path: string }
  FILE_TOO_LARGE: { bytes: number; limitBytes: number }
  DISK_FULL: { neededBytes: number; freeBytes: number }
  /** The prompt a turn would need, the most a prompt may take in this context (room left for an answer), and the context. */
  CONTEXT_OVERFLOW: { promptTokens: number; maxPromptTokens: number; contextSize: number }
  /** The address another program listens on already. */
  PORT_IN_USE: { host: string; port: number }
  /** The Hub's wait, in seconds, when it said one. */
  HUB_RATE_LIMITED: { retryAfterSeconds?: number }
  /** What the Hub announced and what arrived. */
  DOWNLOAD_CORRUPT: { path: string; expected: string; actual: string }
  /** The field of the request that is wrong, when one is. */
  BAD_REQUEST: { field?: string }
}

export type DetailsOf<C extends ErrorCode> = C extends keyof ErrorDetails ? ErrorDetails[C] : never

/** An error as data: a stable code, a sentence for people, and the numbers behind it for the codes that have some. */
export type ArborError<C extends ErrorCode = ErrorCode> = { [K in C]: { code: K; message: string; details?: DetailsOf<K> } }[C]

export type Result<T> = { ok: true; value: T } | { ok: false; error: ArborError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })

export const fail = <T = never, C extends ErrorCode = ErrorCode>(code: C, message: string, details?: DetailsOf<C>): Result<T> => ({
  ok: false,
  error: (details ? { code, message, details } : { code, message }) as ArborError,
})

/** An error that carries a stable code; thrown inside the core, turned into a `Result` at the boundary. */
export class ArborFailure<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C
  readonly details?: DetailsOf<C>
  constructor(code: C, message: string, details?: DetailsOf<C>) {
    super(message)
    this.name = 'ArborFailure'
    this.code = code
    this.details = details
  }

  /** A failed `Result`'s error, thrown again inside the core. */
  static from(error: ArborError): ArborFailure {
    return new ArborFailure(error.code, error.message, error.details as never)
  }

  /** `error` as it is when it is an `ArborFailure`; otherwise one with `code` and the error's message. */
  static wrap(error: unknown, code: ErrorCode, prefix = ''): ArborFailure {
    if (error instanceof ArborFailure) return error
    return new ArborFailure(code, `${prefix}${(error as Error)?.message ?? String(error)}`)
  }

  toError(): ArborError {
    return (this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message }) as ArborError
  }
}
