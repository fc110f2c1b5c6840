import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectBridge } from './bridge/connect';
import { createStores, StoresProvider } from './bridge/stores';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

connectBridge().then(
  (bridge) => {
    const stores = createStores(bridge);
    root.render(
      <StrictMode>
        <StoresProvider stores={stores}><App /></StoresProvider>
      </StrictMode>,
    );
  },
  (err: unknown) => {
    root.render(
      <div className="fatal" role="alert">
        <h1>SWAA Desk cannot reach its engine</h1>
        <p>{err instanceof Error ? err.message : String(err)}</p>
      </div>,
    );
  },
);
