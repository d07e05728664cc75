export { loadProfileFile, resolveProfileReference } from './load.js';
export { profileSpec, profileJsonSchema, choiceFieldNames } from './schema.js';
export { formatProfiles, profilesJson } from './describe.js';
export { explainProfileDependence, formatDependence, type ProfileDependence } from './dependence.js';
