/** Dropped files: which are models, and their bytes as base64 for a browser upload. */

export function isModelFile(name: string): boolean {
  return name.toLowerCase().endsWith('.gguf');
}

/** Bytes per step of the base64 loop: a multiple of 3 so the pieces concatenate cleanly. */
const BASE64_STEP = 3 * 16 * 1024;

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += BASE64_STEP) {
    const piece = bytes.subarray(i, i + BASE64_STEP);
    out += btoa(String.fromCharCode(...piece));
  }
  return out;
}
