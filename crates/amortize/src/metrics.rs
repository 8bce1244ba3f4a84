//! Finance metrics on exact flows (under construction).
