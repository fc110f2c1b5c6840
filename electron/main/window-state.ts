/** Remembered window bounds, kept on a visible display (pure: tested in Node; main does the I/O). */
import { z } from 'zod';

export const WindowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export interface Rect { x: number; y: number; width: number; height: number }

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 840, maximized: false };
/** The part of a window that must be on a display for it to count as visible (px). */
const MIN_VISIBLE_PX = 64;

export function parseWindowState(raw: unknown): WindowState {
  const r = WindowStateSchema.safeParse(raw);
  return r.success ? r.data : DEFAULT_WINDOW_STATE;
}

/** Keeps the remembered size; drops the position if it is not on any current display's work area. */
export function fitToDisplays(state: WindowState, workAreas: Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const visible = workAreas.some((a) =>
    x + MIN_VISIBLE_PX <= a.x + a.width && x + state.width - MIN_VISIBLE_PX >= a.x && y >= a.y - 8 && y + MIN_VISIBLE_PX <= a.y + a.height);
  if (visible) return state;
  const { x: _x, y: _y, ...rest } = state;
  return rest;
}
