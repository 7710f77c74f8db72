import type { Ref } from 'vue'

import type { CropBox } from '@/api/types'

type Point = { x: number; y: number }

interface Options {
  /** The square, in the master's pixels. */
  box: Ref<CropBox>
  /** Keeps a square inside the master and between the minimum and the largest side. */
  clamp: (next: CropBox) => CropBox
  /** The element showing the whole master (its width maps screen pixels to master pixels). */
  stage: Ref<HTMLElement | null>
  masterWidth: () => number
}

const distance = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y)
const midpoint = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 })

/**
 * Pointer gestures on the crop stage: one pointer drags the square, two pointers pinch it.
 * A pinch scales the square about the point between the fingers (that spot of the photo keeps
 * its place in the square) and moves it with the fingers. Whenever a finger lands or lifts, the
 * gesture starts over from the current square, so going from pinch to drag never jumps.
 */
export function useCropGestures({ box, clamp, stage, masterWidth }: Options) {
  const pointers = new Map<number, Point>()
  let start: { box: CropBox; points: Point[]; scale: number; origin: Point } | null = null

  function restart() {
    const element = stage.value
    const rect = element?.getBoundingClientRect()
    start = {
      box: { ...box.value },
      points: [...pointers.values()].slice(0, 2),
      scale: masterWidth() / (element?.clientWidth || masterWidth()), // master px per screen px
      origin: { x: rect?.left ?? 0, y: rect?.top ?? 0 },
    }
  }

  function drag(from: CropBox, moved: Point, scale: number): CropBox {
    return { ...from, x: from.x + moved.x * scale, y: from.y + moved.y * scale }
  }

  function pinch(now: [Point, Point]): CropBox {
    const { box: from, points, scale, origin } = start!
    const [a0, b0] = points as [Point, Point]
    const spread = distance(...now) / (distance(a0, b0) || 1)
    // Fingers apart = zoom in = a smaller square; the clamp gives the side the slider would.
    const raw = from.width / (spread || 1)
    const side = clamp({ ...from, width: raw, height: raw }).width
    const ratio = side / from.width
    const m0 = midpoint(a0, b0)
    const m = midpoint(...now)
    const anchorX = (m0.x - origin.x) * scale
    const anchorY = (m0.y - origin.y) * scale
    return {
      x: anchorX + (from.x - anchorX) * ratio + (m.x - m0.x) * scale,
      y: anchorY + (from.y - anchorY) * ratio + (m.y - m0.y) * scale,
      width: side,
      height: side,
    }
  }

  function onPointerDown(event: PointerEvent) {
    ;(event.currentTarget as HTMLElement).setPointerCapture?.(event.pointerId)
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY })
    restart()
  }

  function onPointerMove(event: PointerEvent) {
    if (!start || !pointers.has(event.pointerId)) return
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY })
    const now = [...pointers.values()].slice(0, 2)
    if (now.length === 2 && start.points.length === 2) {
      box.value = clamp(pinch(now as [Point, Point]))
    } else {
      const [p0] = start.points as [Point]
      const moved = { x: now[0]!.x - p0.x, y: now[0]!.y - p0.y }
      box.value = clamp(drag(start.box, moved, start.scale))
    }
  }

  function onPointerUp(event: PointerEvent) {
    pointers.delete(event.pointerId)
    if (pointers.size) restart()
    else start = null
  }

  return { onPointerDown, onPointerMove, onPointerUp }
}
