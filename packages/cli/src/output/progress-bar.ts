// The progress bar is shared with the SDK (its captures draw one too): it lives there.
export { ProgressBar, type ProgressUnit } from '@dotscience/sdk';
