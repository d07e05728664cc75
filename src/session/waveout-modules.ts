// Importing this registers the waveOut client with Session (see optional-modules.ts).
import { WaveOutDevice } from '../client/waveout.js';
import { WaveOutApplication, waveOutSummary } from '../client/waveout-app.js';
import { registerWaveOutModules } from './optional-modules.js';

registerWaveOutModules({ WaveOutDevice, WaveOutApplication, waveOutSummary });
