import { useShallow } from 'zustand/react/shallow'
import { formatBytes } from '../../../shared/format'
import type { LoadedModel } from '../../../shared/types'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'

const selectGauge = (s: AppState) => ({ sample: s.memorySample, ramTotal: s.hardware?.ramTotalBytes ?? 0 })

const Meter = ({ value, max, label }: { value: number; max: number; label: string }) => (
  <meter className="gauge-meter" min={0} max={Math.max(max, 1)} value={Math.max(0, value)} aria-label={label} />
)

const signed = (bytes: number) => `${bytes >= 0 ? '+' : ''}${formatBytes(bytes)}`

/** Live memory of the loaded model's process next to what Arbor estimated and measured at load. */
export function MemoryGauge({ model }: { model: LoadedModel }) {
  const { sample, ramTotal } = useArbor(useShallow(selectGauge))
  return (
    <div className="memory-gauge" data-testid="memory-gauge">
      <h3>Memory, live</h3>
      {!sample ? (
        <p className="muted small">Waiting for the first memory sample…</p>
      ) : (
        <dl className="facts compact">
          <div className="fact">
            <dt>Process RSS</dt>
            <dd data-testid="gauge-rss">
              <Meter value={sample.rssBytes} max={ramTotal} label="Process resident memory" /> {formatBytes(sample.rssBytes)}
            </dd>
          </div>
          <div className="fact">
            <dt>RAM free</dt>
            <dd data-testid="gauge-ram-free">
              <Meter value={sample.ramFreeBytes} max={ramTotal} label="RAM free" /> {formatBytes(sample.ramFreeBytes)}
            </dd>
          </div>
          {sample.vramTotalBytes > 0 && (
            <div className="fact">
              <dt>VRAM used</dt>
              <dd data-testid="gauge-vram">
                <Meter value={sample.vramUsedBytes} max={sample.vramTotalBytes} label="VRAM used" />{' '}
                {formatBytes(sample.vramUsedBytes)} of {formatBytes(sample.vramTotalBytes)}
              </dd>
            </div>
          )}
        </dl>
      )}
      <dl className="facts compact">
        <div className="fact">
          <dt>Estimated</dt>
          <dd data-testid="gauge-estimate">
            RAM {formatBytes(model.estimate.ramBytes)} · VRAM {formatBytes(model.estimate.vramBytes)}
          </dd>
        </div>
        <div className="fact">
          <dt>Measured at load</dt>
          <dd data-testid="gauge-measured">
            RAM {signed(model.measuredAfterLoad.ramBytes)} · VRAM {signed(model.measuredAfterLoad.vramBytes)}
          </dd>
        </div>
      </dl>
    </div>
  )
}
