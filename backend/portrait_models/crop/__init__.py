"""The smart-crop algorithm: face detection, portrait framing, saliency fallback."""
