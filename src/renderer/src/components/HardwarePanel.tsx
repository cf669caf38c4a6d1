import { formatBytes } from '../../../shared/format'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { Fact } from './Fact'

const selectHardware = (s: AppState) => s.hardware

/** What this machine has: GPU, VRAM, RAM, cores and the default thread count. */
export function HardwarePanel() {
  const hw = useArbor(selectHardware)
  return (
    <section className="panel" aria-labelledby="hardware-title" data-testid="hardware">
      <h2 id="hardware-title">Hardware</h2>
      {!hw ? (
        <p className="muted">Reading hardware…</p>
      ) : (
        <dl className="facts">
          <Fact label="GPU" testId="hw-gpu">
            {hw.gpu.backend === false
              ? 'No GPU (CPU only)'
              : `${hw.gpu.backend.toUpperCase()} · ${hw.gpu.names.join(', ') || 'unnamed GPU'}`}
          </Fact>
          {hw.gpu.backend !== false && (
            <Fact label="VRAM" testId="hw-vram">
              {formatBytes(hw.gpu.vramTotalBytes)} total · {formatBytes(hw.gpu.vramFreeBytes)} free
            </Fact>
          )}
          <Fact label="RAM" testId="hw-ram">
            {formatBytes(hw.ramTotalBytes)} total · {formatBytes(hw.ramFreeBytes)} free
          </Fact>
          <Fact label="CPU" testId="hw-cpu">
            {hw.cpuModel || 'Unknown CPU'}
          </Fact>
          <Fact label="Cores" testId="hw-cores">
            {hw.physicalCores} physical · {hw.logicalCores} logical
          </Fact>
          <Fact label="Default threads" testId="hw-threads">
            {hw.defaultThreads}
          </Fact>
        </dl>
      )}
    </section>
  )
}
