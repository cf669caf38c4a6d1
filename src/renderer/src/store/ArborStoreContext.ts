import { createContext } from 'react'
import type { ArborStore } from './createArborStore'

/** Carries the store down the tree, so tests and stories can give their own. */
export const ArborStoreContext = createContext<ArborStore | null>(null)
