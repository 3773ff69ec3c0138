export { type Pack, type PackArray, parsePack } from './pack.js';
export {
  loadCiteSeer,
  loadCora,
  loadPubMed,
  type PlanetoidDataset,
  type PlanetoidOptions,
  planetoidFromPack,
} from './planetoid.js';
export { clique, erdosRenyi, karateClub, ring, stochasticBlockModel } from './synthetic.js';
export { type GraphClassificationDataset, loadMutag } from './tu.js';
