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
  'FILE_NOT_FOUND',
  'FILE_IS_DIRECTORY',
  'FILE_UNREADABLE',
  'MODEL_TOO_LARGE',
  'LOAD_IN_PROGRESS',
  'LOAD_CANCELLED',
  'LOAD_FAILED',
  'NO_MODEL_LOADED',
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
  'FILE_EXISTS',
  'EXTENSION_FAILED',
  'EXTENSION_TIMEOUT',
  'EXTENSION_INVALID',
  'EXTENSION_PERMISSION',
  'EXTENSION_NOT_FOUND',
  'EXTENSION_PERMISSIONS_CHANGED',
  'COMMAND_NOT_FOUND',
  'NODE_NOT_FOUND',
  'NOTHING_TO_UNDO',
  'INTERNAL',
] as const

export type ErrorCode = (typeof errorCodes)[number]

export type ArborError = {
  code: ErrorCode
  message: string
  /** Numbers behind the error (for MODEL_TOO_LARGE: needed and available bytes). */
  details?: Record<string, number | string | boolean>
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ArborError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })

export const fail = <T = never>(
  code: ErrorCode,
  message: string,
  details?: ArborError['details'],
): Result<T> => ({ ok: false, error: details ? { code, message, details } : { code, message } })

/** An error that carries a stable code; thrown inside the core, turned into a `Result` at the boundary. */
export class ArborFailure extends Error {
  readonly code: ErrorCode
  readonly details?: ArborError['details']
  constructor(code: ErrorCode, message: string, details?: ArborError['details']) {
    super(message)
    this.name = 'ArborFailure'
    this.code = code
    this.details = details
  }

  /** A failed `Result`'s error, thrown again inside the core. */
  static from(error: ArborError): ArborFailure {
    return new ArborFailure(error.code, error.message, error.details)
  }

  toError(): ArborError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message }
  }
}
