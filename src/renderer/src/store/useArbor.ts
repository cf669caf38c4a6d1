import { useContext } from 'react'
import { useStore } from 'zustand'
import type { AppState } from './AppState'
import { ArborStoreContext } from './ArborStoreContext'

/** Reads the store with a selector (module-level constants; `useShallow` for objects and arrays). */
export function useArbor<T>(selector: (state: AppState) => T): T {
  const store = useContext(ArborStoreContext)
  if (!store) throw new Error('useArbor needs an <ArborStoreContext.Provider>.')
  return useStore(store, selector)
}
