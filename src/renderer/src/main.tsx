import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createClient } from './api/createClient'
import { App } from './App'
import { ArborStoreContext } from './store/ArborStoreContext'
import { createArborStore } from './store/createArborStore'
import './styles.css'

const store = createArborStore(createClient())
store.getState().start()

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element.')
createRoot(root).render(
  <StrictMode>
    <ArborStoreContext.Provider value={store}>
      <App />
    </ArborStoreContext.Provider>
  </StrictMode>,
)
