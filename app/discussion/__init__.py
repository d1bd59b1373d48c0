"""Discussion on the text: threads anchored to passages, carried across revisions (issue 16)."""
