import { useRef, type CSSProperties } from 'react'
import { useTreeKeyboard } from '../hooks/useTreeKeyboard'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { ChatPane } from './chat/ChatPane'
import { PruneToast } from './PruneToast'
import { SessionWarnings } from './sessions/SessionWarnings'
import { SplitDivider } from './SplitDivider'
import { TreePanel } from './tree/TreePanel'
import { UndoButton } from './UndoButton'
import { ViewTabs } from './ViewTabs'

const selectViewMode = (s: AppState) => s.viewMode
const selectSplitRatio = (s: AppState) => s.splitRatio

/** The conversation: the chat, the tree graph, or both side by side; the tree's keyboard works here. */
export function WorkArea() {
  const viewMode = useArbor(selectViewMode)
  const splitRatio = useArbor(selectSplitRatio)
  const area = useRef<HTMLElement>(null)
  const panes = useRef<HTMLDivElement>(null)
  useTreeKeyboard(area)

  const style: CSSProperties | undefined =
    viewMode === 'split' ? { gridTemplateColumns: `minmax(300px, ${splitRatio}fr) 8px minmax(260px, ${1 - splitRatio}fr)` } : undefined

  return (
    <section className="work" ref={area} data-view={viewMode} aria-label="Conversation">
      <div className="work-bar">
        <ViewTabs />
        <UndoButton />
      </div>
      <SessionWarnings />
      <div className={`work-panes work-panes-${viewMode}`} ref={panes} style={style}>
        {viewMode !== 'tree' && <ChatPane />}
        {viewMode === 'split' && <SplitDivider container={panes} />}
        {viewMode !== 'chat' && <TreePanel />}
      </div>
      <PruneToast />
    </section>
  )
}
