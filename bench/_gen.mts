import { ensureQwen3Shape } from './models.ts';
const t = Date.now();
const m = await ensureQwen3Shape(8, console.log);
console.log(m, (Date.now()-t)/1000);
