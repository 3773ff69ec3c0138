export type { SafetensorsDType } from './dtypes.js';
export { loadFile, saveFile } from './file.js';
export {
  loadSafetensors,
  type SafetensorsContents,
  saveSafetensors,
  saveSafetensorsAsync,
} from './safetensors.js';
