//! Chart expressions: `Sum`, `Count`, `Count(DISTINCT …)`, `Avg`, `Min`, `Max`
//! over row expressions (fields, numbers, `+ - * /`), combined with arithmetic.

use std::fmt;

/// An aggregation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// Sum of the numbers.
    Sum,
    /// Number of non-null values (or distinct values).
    Count,
    /// Average of the numbers.
    Avg,
    /// Smallest number.
    Min,
    /// Largest number.
    Max,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number.
    Number(f64),
    /// A field, by name.
    Field(String),
    /// An aggregation over the rows of a group.
    Aggregate {
        /// Which function.
        function: Aggregation,
        /// `Count(DISTINCT …)`.
        distinct: bool,
        /// The row expression.
        argument: Box<Expr>,
    },
    /// Arithmetic.
    Binary {
        /// One of `+ - * /`.
        operator: char,
        /// Left side.
        left: Box<Expr>,
        /// Right side.
        right: Box<Expr>,
    },
    /// Unary minus.
    Negate(Box<Expr>),
}

/// Why an expression cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError(pub String);

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Name(String),
    Symbol(char),
}

fn tokenize(text: &str) -> Result<Vec<Token>, ExprError> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let literal: String = chars[start..i].iter().collect();
            let number = literal
                .parse()
                .map_err(|_| ExprError(format!("bad number {literal}")))?;
            tokens.push(Token::Number(number));
        } else if c == '[' {
            let end = chars[i..]
                .iter()
                .position(|c| *c == ']')
                .ok_or_else(|| ExprError("unclosed [".into()))?;
            tokens.push(Token::Name(chars[i + 1..i + end].iter().collect()));
            i += end + 1;
        } else if c.is_alphabetic() || c == '_' || c == '$' || c == '%' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '$' | '%' | '.'))
            {
                i += 1;
            }
            tokens.push(Token::Name(chars[start..i].iter().collect()));
        } else if "+-*/(),".contains(c) {
            tokens.push(Token::Symbol(c));
            i += 1;
        } else {
            return Err(ExprError(format!("unexpected {c:?}")));
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn expect(&mut self, symbol: char) -> Result<(), ExprError> {
        match self.next() {
            Some(Token::Symbol(c)) if c == symbol => Ok(()),
            _ => Err(ExprError(format!("expected {symbol:?}"))),
        }
    }

    fn sum(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.product()?;
        while let Some(Token::Symbol(op @ ('+' | '-'))) = self.peek().cloned() {
            self.at += 1;
            let right = self.product()?;
            left = Expr::Binary {
                operator: op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.unary()?;
        while let Some(Token::Symbol(op @ ('*' | '/'))) = self.peek().cloned() {
            self.at += 1;
            let right = self.unary()?;
            left = Expr::Binary {
                operator: op,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.peek() == Some(&Token::Symbol('-')) {
            self.at += 1;
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        match self.next() {
            Some(Token::Number(n)) => Ok(Expr::Number(n)),
            Some(Token::Symbol('(')) => {
                let inner = self.sum()?;
                self.expect(')')?;
                Ok(inner)
            }
            Some(Token::Name(name)) => {
                if self.peek() != Some(&Token::Symbol('(')) {
                    return Ok(Expr::Field(name));
                }
                self.at += 1;
                let function = match name.to_ascii_lowercase().as_str() {
                    "sum" => Aggregation::Sum,
                    "count" => Aggregation::Count,
                    "avg" => Aggregation::Avg,
                    "min" => Aggregation::Min,
                    "max" => Aggregation::Max,
                    _ => return Err(ExprError(format!("unknown function {name}"))),
                };
                let distinct = matches!(self.peek(), Some(Token::Name(n)) if n.eq_ignore_ascii_case("distinct"));
                if distinct {
                    self.at += 1;
                }
                let argument = self.sum()?;
                self.expect(')')?;
                if contains_aggregate(&argument) {
                    return Err(ExprError("nested aggregation".into()));
                }
                Ok(Expr::Aggregate {
                    function,
                    distinct,
                    argument: Box::new(argument),
                })
            }
            _ => Err(ExprError("unexpected end of expression".into())),
        }
    }
}

fn contains_aggregate(expr: &Expr) -> bool {
    match expr {
        Expr::Aggregate { .. } => true,
        Expr::Binary { left, right, .. } => contains_aggregate(left) || contains_aggregate(right),
        Expr::Negate(inner) => contains_aggregate(inner),
        Expr::Number(_) | Expr::Field(_) => false,
    }
}

impl Expr {
    /// Parses a chart expression (a leading `=` is allowed).
    pub fn parse(text: &str) -> Result<Expr, ExprError> {
        let text = text.trim().trim_start_matches('=');
        let mut parser = Parser {
            tokens: tokenize(text)?,
            at: 0,
        };
        let expr = parser.sum()?;
        if parser.at != parser.tokens.len() {
            return Err(ExprError("unexpected text after the expression".into()));
        }
        Ok(expr)
    }

    /// Every field the expression reads.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Expr::Field(name) => vec![name.as_str()],
            Expr::Aggregate { argument, .. } => argument.fields(),
            Expr::Binary { left, right, .. } => {
                let mut all = left.fields();
                all.extend(right.fields());
                all
            }
            Expr::Negate(inner) => inner.fields(),
            Expr::Number(_) => Vec::new(),
        }
    }

    /// Every aggregation node, in a fixed order.
    pub fn aggregates(&self) -> Vec<&Expr> {
        match self {
            Expr::Aggregate { .. } => vec![self],
            Expr::Binary { left, right, .. } => {
                let mut all = left.aggregates();
                all.extend(right.aggregates());
                all
            }
            Expr::Negate(inner) => inner.aggregates(),
            Expr::Number(_) | Expr::Field(_) => Vec::new(),
        }
    }

    /// True when a field appears outside any aggregation (Qlik would need
    /// `Only()`; the simulator reports an error instead).
    pub fn has_bare_field(&self) -> bool {
        match self {
            Expr::Field(_) => true,
            Expr::Aggregate { .. } | Expr::Number(_) => false,
            Expr::Binary { left, right, .. } => left.has_bare_field() || right.has_bare_field(),
            Expr::Negate(inner) => inner.has_bare_field(),
        }
    }
}

/// Applies an arithmetic operator (division by zero gives null).
pub(crate) fn apply(operator: char, left: Option<f64>, right: Option<f64>) -> Option<f64> {
    let (l, r) = (left?, right?);
    match operator {
        '+' => Some(l + r),
        '-' => Some(l - r),
        '*' => Some(l * r),
        '/' if r != 0.0 => Some(l / r),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qlik_expressions() {
        let e = Expr::parse("=Sum([Sales]) - Sum(Cost) * 2").unwrap();
        assert_eq!(e.aggregates().len(), 2);
        assert_eq!(e.fields(), ["Sales", "Cost"]);
        let d = Expr::parse("Count(DISTINCT OrderID)").unwrap();
        assert!(matches!(
            d,
            Expr::Aggregate {
                distinct: true,
                function: Aggregation::Count,
                ..
            }
        ));
        assert!(Expr::parse("Sum(Sales").is_err());
        assert!(Expr::parse("Foo(Sales)").is_err());
        assert!(Expr::parse("Sum(Sum(Sales))").is_err());
        assert!(Expr::parse("Sum(Sales) Sales").is_err());
        assert!(Expr::parse("Sales").unwrap().has_bare_field());
        assert_eq!(apply('/', Some(1.0), Some(0.0)), None);
        assert_eq!(Expr::parse("-2 * (1 + .5)").unwrap().aggregates().len(), 0);
    }
}
