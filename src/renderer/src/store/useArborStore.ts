import { useContext } from 'react'
import { ArborStoreContext } from './ArborStoreContext'
import type { ArborStore } from './createArborStore'

/** The store itself, for effects that read it without subscribing (`getState`). */
export function useArborStore(): ArborStore {
  const store = useContext(ArborStoreContext)
  if (!store) throw new Error('useArborStore needs an <ArborStoreContext.Provider>.')
  return store
}
