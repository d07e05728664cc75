export { count } from './count.js';
export { closestName, didYouMean } from './suggest.js';
