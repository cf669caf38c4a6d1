import type { AppState } from '../store/AppState'

/**
 * The classes a card gets from the selection, the favourite path and the search: read from
 * the store by each rendered card, so a selection change re-renders only the cards whose
 * classes change, and neither the layout nor the node array is rebuilt.
 */
export function cardStateClass(s: AppState, id: string): string {
  let classes = ''
  if (s.pathIds.has(id)) classes += ' is-on-path'
  if (s.session.leafId === id) classes += ' is-current'
  if (s.favouriteIds.has(id)) classes += ' is-favourite'
  if (s.session.favouriteLeafId === id) classes += ' is-starred'
  if (s.searchMatchSet.has(id)) classes += s.searchMatches[s.searchIndex] === id ? ' is-match is-active-match' : ' is-match'
  if (s.focusedId === id) classes += ' is-focused'
  return classes
}

/** The class of the edge into `target`: on the selected path, on the favourite path, or none. */
export function edgeStateClass(s: AppState, target: string): string {
  if (s.pathIds.has(target)) return 'on-path'
  if (s.favouriteIds.has(target)) return 'on-favourite'
  return ''
}
