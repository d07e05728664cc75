export * from './status.js';
export * from './types.js';
export type { StreamObserver } from './observer.js';
export { WaveRTStream, MAX_NOTIFICATION_COUNT, silenceValueFor, type NotificationListener } from './stream.js';
export { WaveRTMiniport } from './miniport.js';
export * from './ks-property.js';
