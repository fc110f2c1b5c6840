/**
 * Main's half of the remote-engine key vault: seals and opens API keys with Electron's safeStorage
 * (the OS keychain) for the engine host, which cannot reach safeStorage from its utilityProcess.
 * Refuses where safeStorage would only obfuscate (Linux without a keyring: 'basic_text'): the person
 * is told, and can give the key through SWAA_REMOTE_API_KEY instead.
 */
import { safeStorage } from 'electron';

const PREFIX = 'os:';

export async function safeStorageVault(op: 'seal' | 'open', text: string): Promise<string | null> {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  if (!safeStorage.isEncryptionAvailable() || backend === 'basic_text') {
    throw new Error('no OS keychain is available to encrypt the key; set SWAA_REMOTE_API_KEY instead');
  }
  if (op === 'seal') return PREFIX + safeStorage.encryptString(text).toString('base64');
  if (!text.startsWith(PREFIX)) return null;
  return safeStorage.decryptString(Buffer.from(text.slice(PREFIX.length), 'base64'));
}
