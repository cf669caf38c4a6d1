import { useReactFlow, useStore, useStoreApi, type ReactFlowState } from '@xyflow/react'
import { useCallback, useEffect, useRef } from 'react'
import type { AppState } from '../store/AppState'
import { useArbor } from '../store/useArbor'
import { useArborStore } from '../store/useArborStore'
import { CARD_HEIGHT, CARD_WIDTH } from '../tree/flowTypes'

const selectFitRequest = (s: AppState) => s.fitRequest
const selectCenterRequest = (s: AppState) => s.centerRequest
// Replaced only when the graph is rebuilt (nodes added or removed, collapse, filter), not on a selection or a token.
const selectLayout = (s: AppState) => s.graph.indexOf
const selectPaneSize = (s: ReactFlowState) => `${s.width}x${s.height}`

/** Up to this many cards, the tree is kept fitted whole; above, the view follows the current position. */
export const FIT_ALL_LIMIT = 80
const MARGIN = 40
const fitOptions = { padding: 0.15, maxZoom: 1 }

/**
 * Moves the graph's camera: frames a newly opened session (fits it whole, or centers on its
 * current position when it is big), keeps a small tree fitted as it grows, and pans to a node
 * picked from the keyboard, search or chat when it is off screen. Lives inside the
 * ReactFlowProvider; returns the `onInit` handler that frames the first view.
 */
export function useGraphCamera(): { onInit: () => void } {
  const { fitView, setCenter } = useReactFlow()
  const flowStore = useStoreApi()
  const store = useArborStore()
  const fitRequest = useArbor(selectFitRequest)
  const centerRequest = useArbor(selectCenterRequest)
  const layout = useArbor(selectLayout)
  const paneSize = useStore(selectPaneSize)
  // When the tree was just fitted whole, a pan requested in the same update would fight it.
  const fittedAt = useRef(-Infinity)
  const initialized = useRef(false)

  const positionOf = useCallback(
    (id: string | null) => {
      if (id === null) return undefined
      const { graph } = store.getState()
      const index = graph.indexOf.get(id)
      return index === undefined ? undefined : graph.nodes[index]?.position
    },
    [store],
  )

  const frame = useCallback(
    (duration = 0) => {
      const { graph, session, focusedId } = store.getState()
      if (graph.nodes.length === 0) return
      if (graph.nodes.length <= FIT_ALL_LIMIT) {
        fittedAt.current = performance.now()
        void fitView({ ...fitOptions, duration })
        return
      }
      const at = positionOf(focusedId) ?? positionOf(session.leafId) ?? graph.nodes[0]!.position
      void setCenter(at.x + CARD_WIDTH / 2, at.y + CARD_HEIGHT / 2, { zoom: 0.85, duration })
    },
    [store, fitView, setCenter, positionOf],
  )

  const onInit = useCallback(() => {
    initialized.current = true
    frame()
  }, [frame])

  useEffect(() => {
    if (initialized.current) frame()
  }, [fitRequest, frame])

  useEffect(() => {
    const count = layout.size
    if (!initialized.current || count === 0 || count > FIT_ALL_LIMIT) return
    fittedAt.current = performance.now()
    void fitView({ ...fitOptions, duration: 150 })
  }, [layout, fitView])

  // The pane was resized (view switched, split dragged): keep a small tree fitted.
  useEffect(() => {
    const count = store.getState().graph.nodes.length
    if (!initialized.current || count === 0 || count > FIT_ALL_LIMIT) return
    fittedAt.current = performance.now()
    void fitView(fitOptions)
  }, [paneSize, store, fitView])

  useEffect(() => {
    if (!initialized.current || !centerRequest || performance.now() - fittedAt.current < 250) return
    const at = positionOf(centerRequest.id)
    if (!at) return
    const { width, height, transform } = flowStore.getState()
    const [tx, ty, zoom] = transform
    const left = at.x * zoom + tx
    const top = at.y * zoom + ty
    const inside = left >= MARGIN && top >= MARGIN && left + CARD_WIDTH * zoom <= width - MARGIN && top + CARD_HEIGHT * zoom <= height - MARGIN
    if (inside) return
    void setCenter(at.x + CARD_WIDTH / 2, at.y + CARD_HEIGHT / 2, { zoom: Math.max(zoom, 0.6), duration: 200 })
  }, [centerRequest, flowStore, positionOf, setCenter])

  return { onInit }
}
