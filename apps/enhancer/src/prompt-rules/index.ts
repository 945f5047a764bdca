export { cleanPrompt, type CleanedPrompt, type PromptOperation } from './prompt-cleaner';
export { detectPlatformAndGoal, type Detection, type Goal, type Platform } from './platform-goal-detector';
export { composePrompt, MAX_PROMPT_LENGTH, type ComposedPrompt } from './prompt-composer';
