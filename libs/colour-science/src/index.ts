// sRGB → CIELAB, CIEDE2000 colour difference and k-means palettes (moved from apps/judge for shared use).
export {
  rgbToLab,
  hexToLab,
  ciede2000,
  extractPalette,
  colourPresence,
  type Lab,
  type PaletteColour,
} from './colour-science';
