/** catalog.list, models.fit and downloads.*: real models from the catalog, verified downloads, the fit advisor. */
import type { HostServices } from '../services.js';
import type { Handlers } from './types.js';

type CatalogChannel = 'catalog.list' | 'models.fit' | 'downloads.start' | 'downloads.cancel' | 'downloads.list' | 'downloads.setToken';

export function catalogHandlers(s: HostServices): Handlers<CatalogChannel> {
  return {
    'catalog.list': () => s.catalog.list(),
    'models.fit': (r) => s.catalog.fit(r),
    'downloads.start': (r) => s.catalog.downloads.start(r),
    'downloads.cancel': ({ id }) => ({ cancelled: s.catalog.downloads.cancel(id) }),
    'downloads.list': () => s.catalog.downloads.list(),
    'downloads.setToken': ({ token }) => s.catalog.setToken(token),
  };
}
