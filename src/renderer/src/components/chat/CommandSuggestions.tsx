import type { CommandSuggestion } from './matchCommands'

type Props = {
  id: string
  suggestions: CommandSuggestion[]
  active: number
  onPick(name: string): void
}

/** Extension commands matching the `/` being typed; Tab or a click completes the highlighted one. */
export function CommandSuggestions({ id, suggestions, active, onPick }: Props) {
  return (
    <div className="command-suggestions" data-testid="command-suggestions">
      <ul id={id} role="listbox" aria-label="Commands">
        {suggestions.map((s, i) => (
          <li
            key={`${s.extension}/${s.name}`}
            id={`${id}-${i}`}
            role="option"
            aria-selected={i === active}
            className={`command-suggestion${i === active ? ' is-active' : ''}`}
            data-testid="command-suggestion"
            data-name={s.name}
            // mousedown, not click: the input keeps its focus.
            onMouseDown={(e) => {
              e.preventDefault()
              onPick(s.name)
            }}
          >
            <code className="command-name">/{s.name}</code>
            <span className="command-description">{s.description}</span>
            <span className="command-extension muted small">{s.extension}</span>
          </li>
        ))}
      </ul>
      <div className="command-hint muted small">Tab completes · ↑↓ choose · Esc hides</div>
    </div>
  )
}
