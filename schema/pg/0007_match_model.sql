-- The match model's own tables and indexes (lib/src/db/match_model.cpp).
--
-- person_postcode: an address-only lookup ("is anyone at 12, HD1 2AB
-- known?") finds the people at a postcode, and at a house there, without
-- reading the whole cohort.
CREATE INDEX person_postcode ON person(postcode, house);
