import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createClient } from './api/createClient'
import { App } from './App'
import { ArborStoreContext } from './store/ArborStoreContext'
import { createArborStore } from './store/createArborStore'
import '@xyflow/react/dist/style.css'
import './styles.css'
import './styles/work.css'
import './styles/sessions.css'
import './styles/tree.css'
import './styles/conversation.css'
import './styles/extensions.css'
import './styles/hub.css'
import './styles/markdown.css'

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
