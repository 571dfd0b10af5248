import fc from 'fast-check';
import { fastCheckSeed } from './seed.ts';

fc.configureGlobal({ seed: fastCheckSeed() });
