/** Covers the window while a file is dragged over it. */
export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div className="drop-overlay-box">
        <div className="drop-overlay-title">Drop a .gguf model file</div>
        <div className="muted">Arbor reads its header: no loading, nothing is uploaded anywhere else.</div>
      </div>
    </div>
  )
}
