/** Covers the window while a file is dragged over it; with the extension manager open, it installs extensions. */
export function DropOverlay({ extensions }: { extensions: boolean }) {
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div className="drop-overlay-box">
        {extensions ? (
          <>
            <div className="drop-overlay-title">Drop a .ts or .js extension to install it</div>
            <div className="muted">It is copied into your extensions folder and started.</div>
          </>
        ) : (
          <>
            <div className="drop-overlay-title">Drop a .gguf model or a .jsonl session</div>
            <div className="muted">A model: Arbor reads its header, no loading. A session: it opens in the tree.</div>
          </>
        )}
      </div>
    </div>
  )
}
