/**
 * A model's calibration from start to stored file, shared by `npm run calibrate` and the engine host
 * (electron/host/engine/calibration.ts): the questions (the demo generator's held-out documents, or a
 * person's document with seeded questions and self-distilled answers), the measurement
 * (native/addon/calibrate.ts, reached through a function so the host can pass its runtime's), and the
 * file (contract CalibrationSchema) with the "Calibrated" presets.
 *
 * Reproducible from the seed: the seed picks the held-out draw (or the document's question spots),
 * the measurement is deterministic, NLLs are rounded, and the file holds no time or path.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CalibrateOptions, CalibrationItem, LayerCalibration } from '../../native/addon/calibrate.js';
import { CalibrationSchema, type Calibration } from '../../electron/shared/contract.js';
import { calibratedPresetEntries } from '../../electron/shared/calibration.js';
import { makeHeldout } from '../demo/eval/heldout.js';

export type { Calibration };

/** Held-out draw by default: 12 questions on 1k-2k-token documents, enough that a layer which reads
 *  distant facts stands out, small enough to run in under a minute on the demo model. */
export const HELDOUT_DEFAULTS = { lengths: [1000, 2000], documents: 3, questionsPerDocument: 2 } as const;
/** Questions asked of a person's own document. */
export const DOCUMENT_QUESTIONS = 8;

export type CalibrationSource =
  | { kind: 'heldout'; lengths?: number[]; documents?: number; questionsPerDocument?: number }
  | { kind: 'document'; name: string; text: string; questions?: number };

/** mulberry32: a small seeded generator, so the same seed picks the same spots on every platform. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seeded retrieval questions about a person's document: each quotes the end of a sentence from the
 * first 80% of the text (so the answer lies far from the question, where windowed layers cannot reach)
 * and asks what follows. The reference answer is the model's own full-attention greedy answer
 * (answer: null): no labels are needed, and the NLL measures how far each recipe moves from it.
 */
export function documentItems(text: string, count: number, seed: number): CalibrationItem[] {
  const sentences = text.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter((s) => s.split(/\s+/).length >= 4);
  const pool = sentences.slice(0, Math.max(1, Math.floor(sentences.length * 0.8)) );
  if (pool.length === 0) return [];
  const next = rng(seed);
  const picked = new Set<number>();
  for (let tries = 0; picked.size < Math.min(count, pool.length) && tries < count * 20; tries++) picked.add(Math.floor(next() * pool.length));
  return [...picked].sort((a, b) => a - b).map((i) => {
    const words = pool[i].split(/\s+/);
    const quote = words.slice(-Math.min(8, words.length)).join(' ');
    return { document: text, question: `What does the document say right after "${quote}"?`, answer: null };
  });
}

/** The held-out generator's questions with their reference answers. */
export function heldoutItems(o: { lengths: number[]; documents: number; questionsPerDocument: number }, seed: number): CalibrationItem[] {
  return makeHeldout({ lengths: o.lengths, n: o.documents, questions: o.questionsPerDocument, seed })
    .flatMap((d) => d.questions.map((q) => ({ document: d.document, question: q.question, answer: q.answer })));
}

export interface CalibrationModel {
  hash: string;
  info: { name: string; architecture: string; nLayer: number; fileBytes: number };
  /** native/addon/calibrate.ts calibrateLayers on this model. */
  calibrate(items: CalibrationItem[], options: CalibrateOptions): Promise<LayerCalibration>;
}

export interface RunCalibrationOptions extends Omit<CalibrateOptions, 'window' | 'sinks'> {
  seed: number;
  window: number;
  sinks: number;
}

/** Calibrates one model on one source and returns the file to store. */
export async function runCalibration(model: CalibrationModel, source: CalibrationSource, opts: RunCalibrationOptions): Promise<Calibration> {
  let items: CalibrationItem[];
  let stated: Calibration['source'];
  if (source.kind === 'heldout') {
    const o = {
      lengths: source.lengths ?? [...HELDOUT_DEFAULTS.lengths],
      documents: source.documents ?? HELDOUT_DEFAULTS.documents,
      questionsPerDocument: source.questionsPerDocument ?? HELDOUT_DEFAULTS.questionsPerDocument,
    };
    items = heldoutItems(o, opts.seed);
    stated = { kind: 'heldout', ...o };
  } else {
    const n = source.questions ?? DOCUMENT_QUESTIONS;
    items = documentItems(source.text, n, opts.seed);
    stated = { kind: 'document', name: source.name, sha256: createHash('sha256').update(source.text).digest('hex'), questions: items.length };
  }
  const r = await model.calibrate(items, opts);
  return CalibrationSchema.parse({
    version: 1,
    model: { hash: model.hash, name: model.info.name, architecture: model.info.architecture, nLayer: model.info.nLayer, fileBytes: model.info.fileBytes },
    source: stated, seed: opts.seed, window: r.window, sinks: r.sinks, prompts: r.prompts, answerTokens: r.answerTokens,
    nllFull: r.nllFull, nllWindowed: r.nllWindowed, single: r.single, greedy: r.greedy, ranking: r.ranking,
    presets: calibratedPresetEntries(r.ranking, r.nLayer, r.window, r.sinks),
  });
}

/** Where a model's calibration lives under a data directory. */
export const calibrationPath = (dir: string, hash: string): string => join(dir, `${hash}.json`);

/** Writes atomically (a crash never leaves half a file for the host to read). */
export function writeCalibration(path: string, c: Calibration): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(c, null, 2)}\n`);
  renameSync(tmp, path);
}

/** The calibration at path, or null when it is missing or not a valid calibration file. */
export function readCalibration(path: string): Calibration | null {
  let raw: string;
  try { raw = readFileSync(path, 'utf8'); } catch { return null; }
  try {
    const r = CalibrationSchema.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
