"""Rasa SDK adapters. They read the tracker, call bot/, and send responses."""
