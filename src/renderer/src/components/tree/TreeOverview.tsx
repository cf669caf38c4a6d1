import { Panel, useReactFlow, useStore, type ReactFlowState } from '@xyflow/react'
import { useEffect, useMemo, useRef, type PointerEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { AppState } from '../../store/AppState'
import { useArbor } from '../../store/useArbor'
import { CARD_HEIGHT, CARD_WIDTH, type TreeFlowNode } from '../../tree/flowTypes'

const WIDTH = 150
const HEIGHT = 100
const PAD = 4

const selectOverview = (s: AppState) => ({ nodes: s.graph.nodes, indexOf: s.graph.indexOf, path: s.path })
const selectViewport = (s: ReactFlowState) => ({ transform: s.transform, width: s.width, height: s.height })

type Frame = { minX: number; minY: number; scale: number; offsetX: number; offsetY: number }

function frameOf(nodes: readonly TreeFlowNode[]): Frame {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const n of nodes) {
    minX = Math.min(minX, n.position.x)
    minY = Math.min(minY, n.position.y)
    maxX = Math.max(maxX, n.position.x + CARD_WIDTH)
    maxY = Math.max(maxY, n.position.y + CARD_HEIGHT)
  }
  const scale = Math.min((WIDTH - 2 * PAD) / Math.max(1, maxX - minX), (HEIGHT - 2 * PAD) / Math.max(1, maxY - minY))
  return { minX, minY, scale, offsetX: (WIDTH - (maxX - minX) * scale) / 2, offsetY: (HEIGHT - (maxY - minY) * scale) / 2 }
}

/**
 * The overview for big trees: one canvas instead of React Flow's MiniMap, which renders a
 * component per node (too slow at 10,000). The nodes are drawn once per layout; the path and
 * the viewport on top. Click or drag to pan.
 */
export function TreeOverview() {
  const { nodes, indexOf, path } = useArbor(useShallow(selectOverview))
  const { transform, width, height } = useStore(useShallow(selectViewport))
  const { setCenter } = useReactFlow()
  const canvas = useRef<HTMLCanvasElement>(null)
  const frame = useMemo(() => frameOf(nodes), [nodes])

  // The nodes, drawn once per layout into an offscreen canvas.
  const base = useMemo(() => {
    const ratio = window.devicePixelRatio || 1
    const layer = document.createElement('canvas')
    layer.width = WIDTH * ratio
    layer.height = HEIGHT * ratio
    const ctx = layer.getContext('2d')
    if (!ctx) return layer
    ctx.scale(ratio, ratio)
    const w = Math.max(1, CARD_WIDTH * frame.scale)
    const h = Math.max(1, CARD_HEIGHT * frame.scale)
    for (const n of nodes) {
      ctx.fillStyle = n.data.kind === 'user' ? '#4a78c0' : n.type === 'summary' ? '#8a6fd0' : '#5d6678'
      ctx.fillRect(frame.offsetX + (n.position.x - frame.minX) * frame.scale, frame.offsetY + (n.position.y - frame.minY) * frame.scale, w, h)
    }
    return layer
  }, [nodes, frame])

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d')
    if (!ctx) return
    const ratio = window.devicePixelRatio || 1
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, WIDTH * ratio, HEIGHT * ratio)
    ctx.drawImage(base, 0, 0)
    ctx.scale(ratio, ratio)
    const toX = (x: number) => frame.offsetX + (x - frame.minX) * frame.scale
    const toY = (y: number) => frame.offsetY + (y - frame.minY) * frame.scale
    ctx.fillStyle = '#5b9dff'
    for (const id of path) {
      const n = nodes[indexOf.get(id) ?? -1]
      if (n) ctx.fillRect(toX(n.position.x), toY(n.position.y), Math.max(2, CARD_WIDTH * frame.scale), Math.max(2, CARD_HEIGHT * frame.scale))
    }
    const [tx, ty, zoom] = transform
    ctx.strokeStyle = 'rgba(228, 231, 236, 0.85)'
    ctx.lineWidth = 1
    ctx.strokeRect(toX(-tx / zoom), toY(-ty / zoom), (width / zoom) * frame.scale, (height / zoom) * frame.scale)
  }, [base, frame, nodes, indexOf, path, transform, width, height])

  const panTo = (e: PointerEvent<HTMLCanvasElement>) => {
    const box = e.currentTarget.getBoundingClientRect()
    const x = frame.minX + (e.clientX - box.left - frame.offsetX) / frame.scale
    const y = frame.minY + (e.clientY - box.top - frame.offsetY) / frame.scale
    void setCenter(x, y, { zoom: transform[2] })
  }

  const ratio = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1
  return (
    <Panel position="bottom-right" className="tree-overview">
      <canvas
        ref={canvas}
        width={WIDTH * ratio}
        height={HEIGHT * ratio}
        style={{ width: WIDTH, height: HEIGHT }}
        data-testid="tree-overview"
        aria-label="Overview of the tree: click or drag to move there"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId)
          panTo(e)
        }}
        onPointerMove={(e) => e.buttons === 1 && panTo(e)}
      />
    </Panel>
  )
}
