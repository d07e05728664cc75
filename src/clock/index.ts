export { type Clock, VirtualClock } from './clock.js';
export { Scheduler, EventPriority, type EventHandler, type LatenessListener } from './scheduler.js';
export { framesToNs, nsToFrames, msToNs, nsToMs, NS_PER_SECOND } from './time.js';
