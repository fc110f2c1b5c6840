/** documents.*: adding (by path or upload), listing, reading, removing, token counts and the bundled samples. */
import { rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { IpcError } from '../../shared/contract.js';
import type { HostServices } from '../services.js';
import type { Handlers } from './types.js';

type DocumentChannel = 'documents.add' | 'documents.upload' | 'documents.list' | 'documents.get' | 'documents.remove'
  | 'documents.tokens' | 'documents.samples' | 'documents.addSamples';

export function documentHandlers(s: HostServices): Handlers<DocumentChannel> {
  return {
    'documents.add': async ({ path }) => {
      const abs = resolve(path);
      return s.storeDocument(abs, await s.reader.readFile(abs));
    },
    'documents.upload': async ({ name, dataBase64 }) =>
      s.storeDocument(`upload:${basename(name)}`, await s.reader.readBytes(name, Buffer.from(dataBase64, 'base64'))),
    'documents.list': () => s.library.listDocuments(),
    'documents.get': ({ id }) => {
      const d = s.library.document(id);
      if (!d) throw new IpcError('NOT_FOUND', 'no such document');
      return d;
    },
    'documents.remove': ({ id }) => {
      const { removed, cacheFiles } = s.library.removeDocument(id);
      for (const f of cacheFiles) rmSync(f, { force: true });
      if (removed) s.emit('library.changed', { kind: 'documents' });
      return { removed };
    },
    'documents.tokens': ({ id, modelId }) => s.tokens.count(id, modelId),
    'documents.samples': () => s.samples.list(),
    'documents.addSamples': () => s.samples.add(),
  };
}
