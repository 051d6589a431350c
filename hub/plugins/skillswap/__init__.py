"""Skill swap: members offer and request help, agree exchanges and (optionally) keep time credits."""
