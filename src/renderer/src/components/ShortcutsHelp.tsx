/** The tree's keyboard shortcuts. */
export const shortcuts: { keys: string; what: string }[] = [
  { keys: 'Alt+↑', what: 'parent' },
  { keys: 'Alt+↓', what: 'first child' },
  { keys: 'Alt+← / Alt+→', what: 'previous / next sibling' },
  { keys: 'Alt+Backspace', what: 'back to the last position' },
]

const title = [
  'Keyboard, when the chat or the graph has focus (not while typing):',
  ...shortcuts.map((s) => `  ${s.keys}: ${s.what}`),
  'Selecting one of your messages puts its text back in the input: sending makes an edited sibling.',
].join('\n')

/** A one-line reminder of the shortcuts; the full list is its tooltip. */
export function ShortcutsHelp() {
  return (
    <p className="shortcuts small muted" data-testid="shortcuts-help" title={title}>
      <span>
        <kbd>Alt</kbd>+<kbd>↑</kbd>
        <kbd>↓</kbd>
        <kbd>←</kbd>
        <kbd>→</kbd> parent · child · siblings
      </span>
      <span>
        <kbd>Alt</kbd>+<kbd>⌫</kbd> back
      </span>
      <span className="shortcuts-more" aria-label={title}>
        ?
      </span>
    </p>
  )
}
