"""One router per resource; ``portal.app`` mounts them."""
