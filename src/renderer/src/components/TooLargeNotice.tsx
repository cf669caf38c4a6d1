import { formatBytes } from '../../../shared/format'
import type { ArborError } from '../../../shared/errors'

export type TooLargeNoticeProps = { error: ArborError<'MODEL_TOO_LARGE'>; onLoadAnyway(): void; onDismiss(): void }

const bytes = (value: number | undefined): string => (typeof value === 'number' ? formatBytes(value) : '—')

/** MODEL_TOO_LARGE: the numbers behind the refusal, and the choice to load anyway. */
export function TooLargeNotice({ error, onLoadAnyway, onDismiss }: TooLargeNoticeProps) {
  const d: Partial<NonNullable<ArborError<'MODEL_TOO_LARGE'>['details']>> = error.details ?? {}
  return (
    <div className="notice notice-error too-large" role="alert" data-testid="too-large">
      <div className="notice-body">
        <div>
          <code className="error-code">{error.code}</code> — {error.message}
        </div>
        <dl className="facts compact" data-testid="too-large-details">
          <div className="fact">
            <dt>RAM</dt>
            <dd>
              needs {bytes(d.ramNeededBytes)}, {bytes(d.ramAvailableBytes)} available
            </dd>
          </div>
          {(typeof d.vramNeededBytes === 'number' && d.vramNeededBytes > 0) ||
          (typeof d.vramAvailableBytes === 'number' && d.vramAvailableBytes > 0) ? (
            <div className="fact">
              <dt>VRAM</dt>
              <dd>
                needs {bytes(d.vramNeededBytes)}, {bytes(d.vramAvailableBytes)} available
              </dd>
            </div>
          ) : null}
        </dl>
        <p className="small">Loading anyway may swap heavily or fail. Lowering the context size or agents is safer.</p>
        <div className="button-row">
          <button type="button" className="btn btn-danger" data-testid="load-anyway" onClick={onLoadAnyway}>
            Load anyway
          </button>
          <button type="button" className="btn btn-ghost" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      </div>
    </div>
  )
}
