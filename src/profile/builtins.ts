// The built-in profiles, re-exported for the profile module, with the closest-name lookup its messages use.
import { builtinProfileNames } from '../engine/index.js';
import { closestName } from '../scenario/spec.js';

export {
  builtinProfile, builtinProfileNames, builtinProfiles, choiceDefinitions, differingChoices, docProfile, sysvadProfile,
  type ChoiceDefinition, type ChoiceName, type DriverProfile, type ProfileChoices,
} from '../engine/index.js';

export function closestNameOf(name: string): string | undefined {
  return closestName(name, builtinProfileNames);
}
