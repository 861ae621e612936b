"""Tools for template authors and clerks: `lint` (templates and layouts), `scaffold` (`docgen new`, `docgen schema`)."""
