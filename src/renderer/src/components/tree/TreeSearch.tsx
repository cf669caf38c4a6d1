import { useEffect, useState, type KeyboardEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'

const selectSearch = (s: AppState) => ({
  query: s.searchQuery,
  count: s.searchMatches.length,
  index: s.searchIndex,
  setSearchQuery: s.setSearchQuery,
  searchStep: s.searchStep,
})

/** Typing pauses this long before the tree is searched (10,000 texts per keystroke is too many). */
const DEBOUNCE_MS = 120

/** Finds messages by text or label: matches are highlighted; ‹ › select them one by one. */
export function TreeSearch() {
  const { query, count, index, setSearchQuery, searchStep } = useArbor(useShallow(selectSearch))
  const [text, setText] = useState(query)

  useEffect(() => {
    if (text === query) return
    const timer = setTimeout(() => setSearchQuery(text), DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [text, query, setSearchQuery])

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault()
      if (text !== query) setSearchQuery(text)
      searchStep(e.shiftKey ? -1 : 1)
    } else if (e.key === 'Escape') {
      setText('')
      setSearchQuery('')
    }
  }

  return (
    <div className="tree-search" role="search">
      <input
        type="search"
        className="text-input"
        data-testid="tree-search"
        aria-label="Search messages and labels"
        placeholder="Search messages and labels…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <span className="tree-search-count small muted" data-testid="tree-search-count" aria-live="polite">
        {query.trim() === '' ? '' : `${index < 0 ? 0 : index + 1} / ${count}`}
      </span>
      <button type="button" className="btn btn-small" data-testid="tree-search-prev" aria-label="Previous match" disabled={count === 0} onClick={() => searchStep(-1)}>
        ‹
      </button>
      <button type="button" className="btn btn-small" data-testid="tree-search-next" aria-label="Next match" disabled={count === 0} onClick={() => searchStep(1)}>
        ›
      </button>
    </div>
  )
}
