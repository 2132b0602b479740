"""BTU research units: public list and pages, staff administration, members, matching to research questions."""
