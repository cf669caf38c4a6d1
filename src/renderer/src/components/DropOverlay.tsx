/** Covers the window while a file is dragged over it. */
export function DropOverlay() {
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div className="drop-overlay-box">
        <div className="drop-overlay-title">Drop a .gguf model or a .jsonl session</div>
        <div className="muted">A model: Arbor reads its header, no loading. A session: it opens in the tree.</div>
      </div>
    </div>
  )
}
